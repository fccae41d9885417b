import { deleteNotebook as remove, listNotebooks as list, readNotebook, saveNotebook } from '../../services/notebooks.ts';
import type { NotebookList, NotebookRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';

/** GET /api/notebooks (services/notebooks.ts). */
export async function listNotebooks({ deps }: RouteInput): Promise<NotebookList> {
  return { notebooks: list(deps.home) };
}

/** GET /api/notebooks/:id */
export async function getNotebook({ deps, params }: RouteInput) {
  return readNotebook(deps.home, params.id);
}

/** PUT /api/notebooks/:id: a 409 when `base_version` is not the one stored. */
export async function putNotebook({ deps, params, body }: RouteInput<Values, NotebookRequest>) {
  return saveNotebook({ home: deps.home, id: params.id, title: body.title, cells: body.cells, base_version: body.base_version });
}

/** DELETE /api/notebooks/:id */
export async function deleteNotebook({ c, deps, params }: RouteInput) {
  remove(deps.home, params.id);
  return c.body(null, 204);
}

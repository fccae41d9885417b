/**
 * One worker thread of `ModelThreads`: a copy of the model (from the JSON it was started with) that answers
 * requests in the order they come, one part of a table each.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { explainTable, permutationImportance } from './explain.ts';
import { ChurnModel } from './model.ts';
import type { ThreadReply, ThreadRequest } from './model-threads.ts';

const model = ChurnModel.fromJSON(workerData.model);

parentPort!.on('message', (request: ThreadRequest) => {
  try {
    if (request.op === 'predict') {
      const probabilities = model.predictTable(request.table);
      parentPort!.postMessage({ id: request.id, probabilities } satisfies ThreadReply, [probabilities.buffer as ArrayBuffer]);
    } else if (request.op === 'explain') {
      parentPort!.postMessage({ id: request.id, reasons: explainTable(model, request.table, request.options) } satisfies ThreadReply);
    } else {
      parentPort!.postMessage({ id: request.id, importance: permutationImportance(model, request.table, request.labels, request.options) } satisfies ThreadReply);
    }
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ThreadReply);
  }
});

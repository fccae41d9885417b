/** Thrown by a view's loader when the data it shows is not built yet: the cell shows an empty state. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

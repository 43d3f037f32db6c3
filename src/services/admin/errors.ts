/** A refusal the admin API answers with its status code and message (never a 500). */
export class AdminError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AdminError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string) => new AdminError(403, 'forbidden', message);
export const badRequest = (message: string) => new AdminError(400, 'bad_request', message);
export const conflict = (message: string) => new AdminError(409, 'conflict', message);

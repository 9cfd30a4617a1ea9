/**
 * An error caused by what the user gave us (a file, a flag, a layer name), as opposed to a bug.
 * The CLI prints only its message and exits with code 2; the extension shows it as is.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

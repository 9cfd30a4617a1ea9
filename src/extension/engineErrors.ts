/** Errors of the engine link, each with a message fit to show the user as is. */
export class EngineUserError extends Error {
  override name = 'EngineUserError';
}

export class EngineCancelledError extends Error {
  override name = 'EngineCancelledError';
  constructor() {
    super('cancelled');
  }
}

export class EngineCrashedError extends Error {
  override name = 'EngineCrashedError';
}

export class EngineTimeoutError extends Error {
  override name = 'EngineTimeoutError';
}

/** What a step-up asks of a sign-in: sent by `requireSession()` in the sign-in page's query. */
export interface StepUpRequest {
  /** OIDC `max_age`: seconds since the last sign-on past which PingOne asks again. */
  maxAge: number | undefined;
  /** Always `login` for a step-up: PingOne asks again even for a recent sign-on. */
  prompt: 'login' | undefined;
  /** What the route asked for, for the page to explain; PingOne's sign-on policy decides. */
  authenticators: string[];
}

const SECONDS = /^\d{1,9}$/;
const AUTHENTICATOR = /^[A-Za-z0-9_.-]{1,32}$/;
const MAX_AUTHENTICATORS = 10;

/**
 * The step-up a query or a form asks for (`max_age`, `prompt=login`, `authenticators`), or
 * `undefined` for an ordinary sign-in. Values that are not well formed are ignored, never
 * passed on: only digits go to PingOne as `max_age`, and only `login` as `prompt`.
 */
export function readStepUp(source: Record<string, unknown>): StepUpRequest | undefined {
  const { max_age: maxAge, prompt, authenticators } = source;
  const request: StepUpRequest = {
    maxAge: typeof maxAge === 'string' && SECONDS.test(maxAge) ? Number(maxAge) : undefined,
    prompt: prompt === 'login' ? 'login' : undefined,
    authenticators:
      typeof authenticators === 'string'
        ? authenticators
            .split(' ')
            .filter((name) => AUTHENTICATOR.test(name))
            .slice(0, MAX_AUTHENTICATORS)
        : [],
  };
  return request.maxAge === undefined && request.prompt === undefined ? undefined : request;
}

/** The fields a page posts back so that each step of the flow keeps the step-up. */
export function stepUpFields(request: StepUpRequest | undefined): Record<string, string> {
  if (request === undefined) return {};
  const fields: Record<string, string> = {};
  if (request.maxAge !== undefined) fields.max_age = String(request.maxAge);
  if (request.prompt !== undefined) fields.prompt = request.prompt;
  if (request.authenticators.length > 0) fields.authenticators = request.authenticators.join(' ');
  return fields;
}

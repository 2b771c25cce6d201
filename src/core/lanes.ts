/**
 * The kinds of call, each with its own bulkhead, breaker and `429` pause, so that a flood of one
 * (session reads for made-up tokens) can neither starve nor trip another (sign-outs).
 */
export type Lane = 'read' | 'reset' | 'token' | 'signin' | 'directory';

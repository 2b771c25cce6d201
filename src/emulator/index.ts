export { startEmulator } from './start-emulator';
export type { Emulator, EmulatorCounts, EmulatorOptions } from './start-emulator';
export type { CreatedSession, CreateSessionOptions, SessionState } from './session-store';
export type { RecordedRequest } from './request-record';
export { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
export type { DemoDevice, DemoUser } from './demo-users';
export type { EmulatorFault } from './faults';
export type { ConditionOptions, PingOneCondition, SignedInUser, SignInOverrides } from './test-kit';
export type { HostedSignedInUser, HostedSignInOptions } from './hosted-kit';

export * from '../emulator';
export { navigation, sameOrigin } from './headers';

/**
 * Everything the library said in a test file: log lines and the responses apps wrote. Filled by
 * test/setup/redaction.ts and by the test bed's logger; checked for secrets after each file.
 */
export const capturedOutput: string[] = [];

/**
 * Secrets a test sent itself (a wrong password it typed, say) that the emulator does not know of:
 * the redaction check looks for these too.
 */
export const sentSecrets: string[] = [];

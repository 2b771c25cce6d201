/**
 * Everything the library said in a test file: log lines and the responses apps wrote. Filled by
 * test/setup/redaction.ts and by the test bed's logger; checked for secrets after each file.
 */
export const capturedOutput: string[] = [];

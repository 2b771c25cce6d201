/*
 * The redaction check over the whole suite. In every test file it records each console line,
 * each log entry of the test bed, and the status line, headers and body of every response an
 * Express app writes (the emulator is plain node:http, standing in for PingOne, and is not
 * recorded), plus every emulator started. After the file, none of the emulators' secrets (client
 * secrets, access tokens, session tokens, the demo password, one-time passwords, authorization
 * codes, ID tokens), nor any secret a test sent itself, may appear in what was recorded.
 */
import { ServerResponse } from 'node:http';
import { format } from 'node:util';
import express from 'express';
import * as emulatorModule from '../../src/emulator/start-emulator';
import type { Emulator } from '../../src/emulator';
import { capturedOutput, sentSecrets } from '../helpers/captured-output';

const emulators: Emulator[] = [];
const start = emulatorModule.startEmulator;
(emulatorModule as { startEmulator: typeof start }).startEmulator = async (options) => {
  const emulator = await start(options);
  emulators.push(emulator);
  return emulator;
};

for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const write = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    capturedOutput.push(format(...args));
    write(...args);
  };
}

type End = ServerResponse['end'];
const end = ServerResponse.prototype.end;
const write = ServerResponse.prototype.write;
const chunkText = (chunk: unknown) =>
  typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '';
Object.assign(express.response, {
  write(this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    capturedOutput.push(chunkText(chunk));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  },
  end(this: ServerResponse, ...args: unknown[]) {
    const chunk = typeof args[0] === 'function' ? undefined : args[0];
    capturedOutput.push(
      `${this.statusCode} ${JSON.stringify({ ...this.getHeaders(), 'set-cookie': setCookies(this) })}`,
      chunkText(chunk),
    );
    return (end as (...a: unknown[]) => ReturnType<End>).apply(this, args);
  },
});

/**
 * The one place a session token may appear in an answer is the value of the session cookie the
 * sign-in route sets, where the browser keeps it anyway: that value is left out of the record, and
 * everything else of every `Set-Cookie` (other cookies, attributes) stays in.
 */
function setCookies(res: ServerResponse): string[] {
  const header = res.getHeader('set-cookie');
  const cookies = header === undefined ? [] : [header].flat().map(String);
  return cookies.map((cookie) => cookie.replace(/^ST=[^;]+/, 'ST=<session token>'));
}

afterAll(() => {
  const output = capturedOutput.join('\n');
  const secrets = [...emulators.flatMap((emulator) => emulator.secrets()), ...sentSecrets];
  const leaked = secrets.filter((secret) => output.includes(secret));
  expect(leaked).toEqual([]);
});

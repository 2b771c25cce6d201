import { parseUserAgent } from '../../src/emulator/user-agent';

describe('parseUserAgent()', () => {
  it.each([
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:103.0) Gecko/20100101 Firefox/103.0',
      { name: 'Firefox', version: '103.0' },
      { name: 'Mac OS X', version: '10.15' },
      'Mac',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      { name: 'Edge', version: '120.0.2210.91' },
      { name: 'Windows', version: '10.0' },
      'Windows',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      { name: 'HeadlessChrome', version: '156.0.0.0' },
      { name: 'Linux', version: '' },
      'Linux',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
      { name: 'Safari', version: '17.2' },
      { name: 'iOS', version: '17.2' },
      'iPhone',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      { name: 'Chrome', version: '120.0.6099.144' },
      { name: 'Android', version: '14' },
      'Android',
    ],
  ])('reads %s', (userAgent, browser, operatingSystem, device) => {
    expect(parseUserAgent(userAgent)).toEqual({
      browser,
      operatingSystem,
      device: { type: device },
    });
  });

  it('says Other for what it does not know', () => {
    expect(parseUserAgent('curl/8.0')).toEqual({
      browser: { name: 'Other', version: '' },
      operatingSystem: { name: 'Other', version: '' },
      device: { type: 'Other' },
    });
  });
});

// The throttle key of a client address: IPv6 grouped by /64, IPv4-mapped addresses as IPv4.
import { describe, expect, it } from 'vitest';
import { clientKey } from '../../server/lib/client-address.ts';
import { loadConfig } from '../../server/config.ts';

describe('clientKey', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });
  it('groups IPv6 addresses of one /64 under one key, and tells /64s apart', () => {
    const a = clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe(a);
    expect(clientKey('2001:0db8:0001:0002:ffff::9')).toBe(a);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(a);
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
  it('reads IPv4-mapped IPv6 as the IPv4 client', () => {
    expect(clientKey('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(clientKey('::ffff:c633:6404')).toBe('198.51.100.4');
  });
  it('passes anything else through unchanged', () => {
    expect(clientKey('not-an-ip')).toBe('not-an-ip');
  });
});

describe('TRUST_PROXY', () => {
  const base = { NODE_ENV: 'test', SECRET_KEY: 'x'.repeat(32) };
  it('trusts nobody by default', () => {
    expect(loadConfig(base).trustProxy).toEqual([]);
  });
  it('takes addresses, ranges and the proxy-addr names', () => {
    expect(loadConfig({ ...base, TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,loopback,::1' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback', '::1']);
  });
  it('refuses anything else with a line naming the variable', () => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
  });
});

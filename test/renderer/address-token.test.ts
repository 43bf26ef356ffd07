import { describe, expect, it } from 'vitest';
import { addressWithoutToken } from '../../renderer/src/lib/client/index.js';

describe('the address bar after the first load', () => {
  it('loses ?token= and keeps everything else, the route in the hash included', () => {
    expect(addressWithoutToken('http://127.0.0.1:4873/?token=abc')).toBe('http://127.0.0.1:4873/');
    expect(addressWithoutToken('http://127.0.0.1:4873/?token=abc#/p/p_1/train')).toBe('http://127.0.0.1:4873/#/p/p_1/train');
    expect(addressWithoutToken('http://box:4873/?a=1&token=abc&b=2#/x')).toBe('http://box:4873/?a=1&b=2#/x');
  });

  it('leaves an address without a token alone', () => {
    expect(addressWithoutToken('http://127.0.0.1:4873/#/p/p_1')).toBeNull();
  });
});

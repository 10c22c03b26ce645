import { describe, expect, it } from 'vitest';
import { initial, reduce } from './state';

describe('live chat state', () => {
  it('takes the presence the gateway has for the signed-in agent, not a default', () => {
    const state = reduce(initial, { type: 'own_presence', presence: 'offline' });
    expect(state.presence).toBe('offline');
  });

  it('leaves its own presence alone when a colleague, or one of its sockets, goes offline', () => {
    const colleague = '0193a000-0000-7000-8000-000000000002';
    const state = reduce(initial, { type: 'presence', agent: colleague, presence: 'offline' });
    expect(state.presence).toBe('online');
  });
});

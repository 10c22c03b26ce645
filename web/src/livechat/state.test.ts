import { describe, expect, it } from 'vitest';
import { initial, reduce } from './state';

describe('live chat state', () => {
  const me = '0193a000-0000-7000-8000-000000000001';
  const colleague = '0193a000-0000-7000-8000-000000000002';

  it('takes the presence the gateway has for the signed-in agent, not a default', () => {
    const state = reduce({ ...initial, me }, { type: 'presence', agent: me, presence: 'offline' });
    expect(state.presence).toBe('offline');
  });

  it('leaves its own presence alone when a colleague changes theirs', () => {
    const state = reduce({ ...initial, me }, { type: 'presence', agent: colleague, presence: 'away' });
    expect(state.presence).toBe('online');
  });
});

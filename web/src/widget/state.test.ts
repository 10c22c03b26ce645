import { describe, expect, it } from 'vitest';
import { initial, reduce } from './state';

const ticket = '0193a000-0000-7000-8000-0000000000a1';
const line = (seq: number, text: string, kind: 'visitor' | 'agent') =>
  ({ type: 'message', ticket, seq, message: `m${seq}`, text, author: { kind, name: kind === 'visitor' ? 'Wang Fang' : 'Li Na' }, at: '2026-12-06T10:00:00Z' }) as const;

describe('the widget conversation', () => {
  it('places each note after the line it followed, not all at the bottom', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, line(1, 'The kettle leaks', 'visitor'));
    state = reduce(state, { type: 'assigned', ticket, agent: 'Li Na' });
    state = reduce(state, line(2, 'Sorry to hear that', 'agent'));
    state = reduce(state, { type: 'transferred', ticket, team: '0193a000-0000-7000-8000-0000000000b1', note: null });
    state = reduce(state, { type: 'assigned', ticket, agent: 'Zhao Lei' });
    expect(state.events.map((e) => [e.key, e.after])).toEqual([
      ['joined', 1],
      ['transferred', 2],
      ['joined', 2],
    ]);
  });

  it('thanks a visitor who rated before a reload instead of asking again', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, { type: 'ended', ticket, by: 'agent', ask_expectation: false, rated: true });
    expect([state.ended, state.rated]).toEqual([true, true]);
  });

  it('shows the place in the queue again after a transfer', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, { type: 'assigned', ticket, agent: 'Li Na' });
    state = reduce(state, { type: 'transferred', ticket, team: '0193a000-0000-7000-8000-0000000000b1', note: null });
    state = reduce(state, { type: 'queue_position', ticket, position: 2, expected_wait_seconds: null });
    expect([state.agent, state.position]).toEqual([null, 2]);
  });

  it("takes only this chat's read marks, not an earlier chat's replayed on a resume", () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, line(1, 'Hello', 'visitor'));
    state = reduce(state, { type: 'read', ticket: '0193a000-0000-7000-8000-0000000000a0', up_to: 8 });
    expect(state.readUpTo).toBe(0);
    state = reduce(state, { type: 'read', ticket, up_to: 1 });
    expect(state.readUpTo).toBe(1);
  });

  it('says a chat Kefu closed after the visitor left was not answered, and asks no rating', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, { type: 'ended', ticket, by: 'system', ask_expectation: false, rated: false });
    expect([state.unanswered, state.events.map((e) => e.key)]).toEqual([true, ['endedUnanswered']]);
  });
});

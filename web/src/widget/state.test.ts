import { describe, expect, it } from 'vitest';
import type { ChatNote } from '../chat/protocol';
import { initial, noteText, reduce, unseen } from './state';

const ticket = '0193a000-0000-7000-8000-0000000000a1';
const line = (seq: number, text: string, kind: 'visitor' | 'agent') =>
  ({ type: 'message', ticket, seq, message: `m${seq}`, text, author: { kind, name: kind === 'visitor' ? 'Wang Fang' : 'Li Na' }, at: '2026-12-06T10:00:00Z' }) as const;

const note = (seq: number, said: ChatNote) =>
  ({ type: 'message', ticket, seq, message: `m${seq}`, text: '', note: said, author: { kind: 'system', name: '' }, at: '2026-12-06T10:00:00Z' }) as const;

describe('the widget conversation', () => {
  it('shows the notes Kefu numbered among the lines where they happened, in order', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, line(1, 'The kettle leaks', 'visitor'));
    state = reduce(state, line(4, 'Sorry to hear that', 'agent'));
    state = reduce(state, note(2, { event: 'joined', agent: 'Li Na' }));
    state = reduce(state, note(3, { event: 'transferred' }));
    expect(state.lines.map((l) => (l.note ? noteText(l.note)?.key : l.text))).toEqual([
      'The kettle leaks',
      'joined',
      'transferred',
      'Sorry to hear that',
    ]);
  });

  it('takes the agent away and keeps the visitor typing when their agent leaves', () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, { type: 'assigned', ticket, agent: 'Li Na' });
    state = reduce(state, note(1, { event: 'requeued', agent: 'Li Na' }));
    state = reduce(state, { type: 'queue_position', ticket, position: 1, expected_wait_seconds: 30 });
    expect([state.agent, state.position, noteText(state.lines[0]!.note!)]).toEqual([
      null,
      1,
      { key: 'requeued', params: { agent: 'Li Na' } },
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
    state = reduce(state, note(1, { event: 'ended', by: 'system' }));
    expect([state.unanswered, noteText(state.lines[0]!.note!)?.key]).toEqual([true, 'endedUnanswered']);
  });

  it("counts the business's lines the visitor has not seen, for the folded launcher", () => {
    let state = reduce(initial, { type: 'started', ticket, number: 7 });
    state = reduce(state, line(1, 'The kettle leaks', 'visitor'));
    state = reduce(state, note(2, { event: 'joined', agent: 'Li Na' }));
    state = reduce(state, line(3, 'Sorry to hear that', 'agent'));
    state = reduce(state, line(4, 'Could you send a photo?', 'agent'));
    expect(unseen(state, { ticket, seq: 1 })).toBe(2);
    expect(unseen(state, { ticket, seq: 3 })).toBe(1);
    expect(unseen(state, { ticket: '0193a000-0000-7000-8000-0000000000a0', seq: 9 })).toBe(2);
    // Nothing kept (a chat from before the count): nothing is called new.
    expect(unseen(state, null)).toBe(0);
    state = reduce(state, { type: 'ended', ticket, by: 'agent', ask_expectation: false, rated: false });
    expect(unseen(state, { ticket, seq: 1 })).toBe(0);
  });

  it("says the gateway's errors in the visitor's words, never the server's English", () => {
    const error = (code: string, message: string) => reduce(initial, { type: 'error', code, message, client_id: null }).error;
    expect(error('rate_limited', 'slow down: too many frames')).toBe('errorTooFast');
    expect(error('invalid_text', 'name must not be empty')).toBe('errorName');
    expect(error('invalid_text', 'text must not be empty')).toBe('errorText');
    expect(error('invalid_frame', 'this frame cannot be read: unknown variant')).toBe('error');
  });
});

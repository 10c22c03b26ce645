import { describe, expect, it } from 'vitest';
import type { ChatNote, ServerFrame } from '../chat/protocol';
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

describe('a chat passed on', () => {
  const ticket = '0193a000-0000-7000-8000-0000000000a1';
  const chat = {
    ticket,
    number: 7,
    visitor: 'Wang Fang',
    stage: 'after_sale' as const,
    team: '0193a000-0000-7000-8000-0000000000b1',
    position: 1,
    waiting_since: '2026-12-06T10:00:00Z',
    offered_to: null,
    page_url: null,
    language: null,
    customer: '0193a000-0000-7000-8000-0000000000c1',
    handover: { from: 'Li Na', note: 'Order 1042 is late' },
  };

  /** A note Kefu numbered `seq` in the chat. */
  const noteLine = (seq: number, note: ChatNote): ServerFrame => ({
    type: 'message',
    ticket,
    seq,
    message: `m${seq}`,
    author: { kind: 'system', name: '' },
    text: '',
    note,
    at: '2026-12-06T10:00:00Z',
  });

  it('keeps who passed it on and their note in the chat the agent accepts', () => {
    const offered = reduce(initial, { type: 'offered', chat });
    const served = reduce(offered, { type: 'assigned', ticket, agent: 'Zhao Lei' });
    expect(served.offers[ticket]).toBeUndefined();
    expect(served.chats[0]?.handover).toEqual({ from: 'Li Na', note: 'Order 1042 is late' });
  });

  it('keeps the visitor details and the handover of a chat served before a reload', () => {
    const page = { ...chat, page_url: 'https://shop.example.com/kettle', position: 0 };
    let state = reduce(initial, { type: 'serving', chat: page });
    state = reduce(state, { type: 'assigned', ticket, agent: 'Zhao Lei' });
    expect(state.chats).toHaveLength(1);
    expect([state.chats[0]?.pageUrl, state.chats[0]?.handover?.note]).toEqual(['https://shop.example.com/kettle', 'Order 1042 is late']);
  });

  it('takes the notes Kefu numbered among the lines, and the page the visitor moved to', () => {
    const offered = reduce(initial, { type: 'offered', chat });
    let served = reduce(offered, { type: 'assigned', ticket, agent: 'Zhao Lei' });
    served = reduce(served, noteLine(2, { event: 'joined', agent: 'Zhao Lei' }));
    served = reduce(served, { type: 'visitor_page', ticket, page_url: 'https://shop.example.com/checkout' });
    const open = served.chats[0];
    expect([open?.lines[0]?.note, open?.lines[0]?.fromVisitor, open?.pageUrl]).toEqual([
      { event: 'joined', agent: 'Zhao Lei' },
      false,
      'https://shop.example.com/checkout',
    ]);
  });

  it('stops the chat window of an agent who was away when the chat went back to the queue', () => {
    let state = reduce(reduce(initial, { type: 'offered', chat }), { type: 'assigned', ticket, agent: 'Zhao Lei' });
    state = reduce(state, { type: 'typing', ticket, author: { kind: 'visitor', name: 'Wang Fang' }, typing: true });
    state = reduce(state, noteLine(3, { event: 'requeued', agent: 'Zhao Lei' }));
    expect([state.chats[0]?.released, state.chats[0]?.visitorTyping]).toEqual([true, false]);
    // Accepted again: theirs to write in once more.
    state = reduce(state, { type: 'assigned', ticket, agent: 'Zhao Lei' });
    expect(state.chats[0]?.released).toBe(false);
  });
});

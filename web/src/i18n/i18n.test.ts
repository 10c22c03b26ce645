import { describe, expect, it } from 'vitest';
import { en } from './en';
import { interpolate, pickLocale, translator } from './index';
import { zhCN } from './zh-CN';

describe('languages', () => {
  it('are picked from the browser preferences', () => {
    expect(pickLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(pickLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLocale(['de'])).toBe('en');
    expect(pickLocale([null, 'zh-Hans-CN'])).toBe('zh-CN');
  });

  it('fill placeholders and translate', () => {
    expect(interpolate('Log on #{number}', { number: 7 })).toBe('Log on #7');
    expect(translator('zh-CN')('call.logOn', { number: 7 })).toBe('记录到 #7');
    expect(translator('en')('status.on_hold')).toBe('On hold');
  });

  it('have the same keys and placeholders in both catalogues', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
      expect(zhCN[key].length, key).toBeGreaterThan(0);
    }
  });
});

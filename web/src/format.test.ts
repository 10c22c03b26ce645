import { describe, expect, it } from 'vitest';
import { duration, languageName, parseDuration, relativeTime, ticketNumber } from './format';

const now = new Date('2026-11-27T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('relative times', () => {
  it('speak English', () => {
    expect(relativeTime(ago(5 * 60), now, 'en')).toBe('5 min. ago');
    expect(relativeTime(ago(3 * 3600), now, 'en')).toBe('3 hr. ago');
    expect(relativeTime(ago(10), now, 'en')).toBe('this minute');
    expect(relativeTime(ago(86400), now, 'en')).toBe('yesterday');
  });

  it('speak Chinese', () => {
    expect(relativeTime(ago(5 * 60), now, 'zh-CN')).toBe('5分钟前');
    expect(relativeTime(ago(2 * 86400), now, 'zh-CN')).toBe('前天');
  });
});

describe('language names', () => {
  it('name a browser language in the reader\'s language, with its tag', () => {
    expect(languageName('en-US', 'en')).toBe('American English (en-US)');
    expect(languageName('zh-CN', 'zh-CN')).toBe('中文（中国） (zh-CN)');
  });

  it('keep a tag that names no language as it came', () => {
    expect(languageName('not a tag!', 'en')).toBe('not a tag!');
  });
});

describe('durations', () => {
  it('format minutes and seconds', () => {
    expect(duration(205, '{minutes} min {seconds} s')).toBe('3 min 25 s');
  });

  it('parse what agents type', () => {
    expect(parseDuration('3:25')).toBe(205);
    expect(parseDuration('3m25s')).toBe(205);
    expect(parseDuration('45s')).toBe(45);
    expect(parseDuration('2 min')).toBe(120);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('')).toBe(0);
    expect(parseDuration('three minutes')).toBeNull();
    expect(parseDuration('3:75')).toBeNull();
  });
});

it('numbers tickets with a hash', () => {
  expect(ticketNumber(1042)).toBe('#1042');
});

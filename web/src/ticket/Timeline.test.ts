import { describe, expect, it } from 'vitest';
import { inLocale } from './Timeline';

describe('system events', () => {
  it('are shown in the reader\'s language', () => {
    const said = 'Ana moved a mail to #7 / Ana 将一封邮件移至 #7';
    expect(inLocale(said, 'en')).toBe('Ana moved a mail to #7');
    expect(inLocale(said, 'zh-CN')).toBe('Ana 将一封邮件移至 #7');
    expect(inLocale('Only one language', 'zh-CN')).toBe('Only one language');
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from './api/client';
import { describeError } from './errors';
import { translator } from './i18n';

describe('API errors', () => {
  it('are shown in the reader’s language with the server’s detail', () => {
    const error = new ApiError(422, 'invalid_phone', '`12345` is not a valid phone number');
    expect(describeError(error, translator('zh-CN'))).toBe(
      '电话号码无效，请以 + 和国家代码开头。 (`12345` is not a valid phone number)',
    );
    expect(describeError(error, translator('en'))).toMatch(/^That is not a valid phone number/);
  });

  it('fall back to the server’s message for codes without a translation', () => {
    expect(describeError(new ApiError(400, 'invalid_query', 'limit must be between 1 and 100'), translator('zh-CN'))).toBe(
      'limit must be between 1 and 100',
    );
  });
});

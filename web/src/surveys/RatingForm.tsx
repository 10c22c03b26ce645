import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { type MessageKey, useI18n } from '../i18n';

type Expectation = Schemas['Expectation'];
const EXPECTATIONS: readonly Expectation[] = ['worse', 'as_expected', 'better'];

/** A satisfaction survey: 1–5, the optional expectation question, a comment. */
export function RatingForm(props: {
  id: string;
  askExpectation: boolean;
  busy?: boolean;
  onSubmit: (body: Schemas['RatingRequest']) => void;
}) {
  const { t } = useI18n();
  const [score, setScore] = useState(0);
  const [expectation, setExpectation] = useState<Expectation | ''>('');
  const [comment, setComment] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    if (!score) return;
    props.onSubmit({ score, comment: comment.trim() || null, expectation: expectation || null });
  };
  return (
    <form class="rating-form" onSubmit={submit} aria-labelledby={`${props.id}-title`}>
      <fieldset class="stars-choice">
        <legend id={`${props.id}-title`}>{t('survey.question')}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} class={n <= score ? 'chosen' : ''}>
            <input type="radio" name={`${props.id}-score`} value={n} checked={score === n} onChange={() => setScore(n)} required />
            <span aria-hidden="true">★</span>
            <span class="visually-hidden">{t(`survey.score.${n}` as MessageKey)}</span>
          </label>
        ))}
        {score > 0 && <span class="muted"> {t(`survey.score.${score}` as MessageKey)}</span>}
      </fieldset>
      {props.askExpectation && (
        <fieldset class="inline-checks">
          <legend>{t('survey.expectation')}</legend>
          {EXPECTATIONS.map((e) => (
            <label key={e}>
              <input type="radio" name={`${props.id}-expectation`} value={e} checked={expectation === e} onChange={() => setExpectation(e)} />
              {t(`survey.expectation.${e}` as MessageKey)}
            </label>
          ))}
        </fieldset>
      )}
      <div class="field">
        <label for={`${props.id}-comment`}>{t('survey.comment')}</label>
        <textarea id={`${props.id}-comment`} rows={3} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <button type="submit" class="primary" disabled={!score || props.busy}>
        {t('survey.send')}
      </button>
    </form>
  );
}

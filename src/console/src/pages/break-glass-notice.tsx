import { get } from '../api';
import type { ChangeRequest } from '../change-requests';
import { hrefOf } from '../router';
import { shortTime } from '../types';
import { useLoad } from '../use-load';

const OPEN_REVIEWS = '/v1/change-requests?state=needs_review';

/**
 * The break-glass kill switches nobody else has acknowledged yet, on the front page where the next
 * person to sign in sees them (issue 15 item 4): each was applied with no approval, so the review is the
 * only second pair of eyes it gets. Nothing shows once every one is acknowledged.
 */
export function BreakGlassNotice() {
  const [loaded] = useLoad(() => get<{ changeRequests: ChangeRequest[] }>(OPEN_REVIEWS), OPEN_REVIEWS);
  if (loaded.state === 'loading') return null;
  // Silence here would read as "none open": say the list could not be read.
  if (loaded.state === 'failed')
    return <p role="alert">Break-glass reviews could not be read: {loaded.error.message}</p>;
  const reviews = loaded.value.changeRequests;
  if (reviews.length === 0) return null;

  return (
    <section className="break-glass-notice" aria-labelledby="break-glass-notice-heading">
      <h2 id="break-glass-notice-heading">Break-glass reviews</h2>
      <p>
        Kill switches engaged in a protected environment without approval. Someone other than whoever engaged one
        acknowledges it.
      </p>
      <ul>
        {reviews.map((review) => (
          <li key={review.id}>
            <a href={hrefOf({ page: 'change-request', id: review.id })}>
              {review.breakGlass?.flagKey ?? review.title} in {review.environment}
            </a>
            : engaged by {review.author}, {shortTime(review.createdAt)}
            {review.reason && <>, because {review.reason}</>}
          </li>
        ))}
      </ul>
    </section>
  );
}

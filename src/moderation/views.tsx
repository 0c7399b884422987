import type { Child } from 'hono/jsx';
import { AdminFrame } from '../instance/admin-frame.tsx';
import { REPORT_REASONS, type ReportReason } from '../images/views.tsx';
import { titleOf } from '../images/names.ts';
import { LocalTime } from '../web/format.tsx';
import { Icon } from '../web/icons.tsx';
import type { ListedItem } from './reports.sql.ts';

export type Show = 'open' | 'hidden';

/** Where an item's actions are posted. */
export const actionUrl = (item: { kind: string; id: string }, action: string) => `/admin/reports/${item.kind}s/${item.id}/${action}`;

/** The reason reported most often (the first in the form's order on a tie), as its label: the hide form's suggestion. */
function mostReported(reasons: ListedItem['reasons']) {
  const [top] = (Object.keys(REPORT_REASONS) as ReportReason[])
    .filter((r) => reasons[r]).sort((a, b) => reasons[b]! - reasons[a]!);
  return top ? REPORT_REASONS[top] : '';
}

/** The admin's reports: open ones per item, or the hidden items (`show`), with the next page's URL. */
export function ReportsPage({ items, show, next }: { items: ListedItem[]; show: Show; next?: string }) {
  return (
    <AdminFrame here="/admin/reports" title="Reports">
      <nav class="tabs" aria-label="Reports">
        <a href="/admin/reports" aria-current={show === 'open' ? 'page' : undefined}>Open reports</a>
        <a href="/admin/reports?show=hidden" aria-current={show === 'hidden' ? 'page' : undefined}>Hidden</a>
      </nav>
      {items.length === 0
        ? <p class="empty">{show === 'open' ? 'No open reports.' : 'Nothing is hidden.'}</p>
        : <ul class="report-list">{items.map((item) => <ReportItem item={item} show={show} />)}</ul>}
      {next && <p class="more"><a class="button secondary" href={next} rel="next">Next page</a></p>}
    </AdminFrame>
  );
}

/** One item: what it is and whose, why it was reported, and what the admin may do. */
function ReportItem({ item, show }: { item: ListedItem; show: Show }) {
  const title = item.kind === 'image' ? titleOf({ title: item.title, filename: item.filename ?? '' }) : item.title;
  // A hidden item's page answers 404 to admins too (only its owner sees it): its thumbnail is what they get.
  const page = item.hidden_at ? undefined : `/${item.kind}s/${item.id}`;
  return (
    <li class="report-item" id={`${item.kind}-${item.id}`}>
      <a class="report-thumb" href={page ?? (item.thumb ? `/admin/reports/thumbs/${item.thumb}` : undefined)}>
        {item.thumb ? <img src={`/admin/reports/thumbs/${item.thumb}`} alt="" loading="lazy" width="96" height="96" /> : <Icon name="album" />}
      </a>
      <div class="report-body">
        <p class="report-title">
          <span class="report-kind">{item.kind === 'image' ? 'Image' : 'Album'}</span>{' '}
          {page ? <a href={page}>{title}</a> : title}{' '}
          by <a href={`/admin/users/${encodeURIComponent(item.owner)}`}>{item.owner}</a>
        </p>
        {show === 'open' ? <Reasons item={item} /> : (
          <p class="muted">Hidden <LocalTime date={item.hidden_at!} />: {item.hidden_reason || 'no reason given'}</p>
        )}
        <div class="report-actions">
          {item.hidden_at
            ? <ActionForm item={item} show={show} action="unhide" label="Unhide" icon="eye" />
            : <HideForm item={item} show={show} />}
          {show === 'open' && <ActionForm item={item} show={show} action="dismiss" label="Dismiss" icon="check" />}
          {item.kind === 'image' && <ActionForm item={item} show={show} action="delete" label="Move to owner's trash" icon="trash-2" danger />}
          <ActionForm item={item} show={show} action="delete" label={item.kind === 'image' ? 'Delete for good' : 'Delete album'} icon="trash-2"
            danger purge={item.kind === 'image'} />
        </div>
      </div>
    </li>
  );
}

function Reasons({ item }: { item: ListedItem }) {
  return (
    <>
      <p class="report-reasons">
        <strong>{item.total} {item.total === 1 ? 'report' : 'reports'}</strong>
        {(Object.keys(REPORT_REASONS) as ReportReason[]).filter((r) => item.reasons[r]).map((r) => (
          <span class="report-reason">{REPORT_REASONS[r]} × {item.reasons[r]}</span>
        ))}
        <span class="muted">latest <LocalTime date={new Date(item.ts)} /></span>
      </p>
      {item.details && <blockquote class="report-details">{item.details}</blockquote>}
    </>
  );
}

/**
 * Each action a plain POST form back to this page; htmx swaps the item for the answer instead.
 * `show` goes along, so the page comes back on the same tab.
 */
function Form({ item, show, action, children, class: cls }: { item: ListedItem; show: Show; action: string; children: Child; class?: string }) {
  const url = actionUrl(item, action);
  return (
    <form method="post" action={url} class={cls ?? 'inline'} hx-post={url} hx-target="closest .report-item" hx-swap="outerHTML">
      <input type="hidden" name="show" value={show} />
      {children}
    </form>
  );
}

type ActionProps = { item: ListedItem; show: Show; action: string; label: string; icon: 'eye' | 'check' | 'trash-2'; danger?: boolean; purge?: boolean };

function ActionForm({ item, show, action, label, icon, danger, purge }: ActionProps) {
  return (
    <Form item={item} show={show} action={action}>
      {purge && <input type="hidden" name="purge" value="1" />}
      <button type="submit" class={danger ? 'danger' : 'secondary'}><Icon name={icon} /> {label}</button>
    </Form>
  );
}

/** Hiding asks for the reason its owner will read, suggesting the one reported most. */
function HideForm({ item, show }: { item: ListedItem; show: Show }) {
  const id = `hide-${item.kind}-${item.id}`;
  return (
    <Form item={item} show={show} action="hide" class="hide-form">
      <label for={id} class="visually-hidden">Reason shown to the owner</label>
      <input id={id} name="reason" type="text" maxlength={200} required value={mostReported(item.reasons)} placeholder="Reason shown to the owner" />
      <button type="submit"><Icon name="eye-off" /> Hide</button>
    </Form>
  );
}

/** What replaces an item once acted on (htmx). */
export function ActedOn({ message }: { message: string }) {
  return <li class="report-item done" role="status">{message}</li>;
}

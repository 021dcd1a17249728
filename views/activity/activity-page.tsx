/**
 * The Activity view: the actions taken on runs, newest first, with the list's filters. A plain GET
 * form and plain links — no swap: the page works alike with JavaScript off. The filters' controls
 * are the list's own (filters.tsx).
 */
import type { FC } from 'hono/jsx';
import type { ActivityRowView, ActivityView } from '../../src/actions/activity-view-model.js';
import type { Messages } from '../../src/i18n/messages.js';
import { Fragment, h, latin1Text } from '../../src/lib/jsx.js';
import { Field } from '../list/filters.js';
import { FirstIcon, NextIcon, NotYet, PreviousIcon } from '../shared/icons.js';

const CAPTION_ID = 'xa-activity-caption';

const Row: FC<{ row: ActivityRowView; messages: Messages }> = ({ row, messages: m }) => (
  <tr>
    <td class="xa-nowrap">
      <time datetime={row.at.iso}>{row.at.text}</time>
    </td>
    <td>
      <bdi>{row.who}</bdi>
    </td>
    <td>{row.action}</td>
    <td>{row.run ? <a href={row.run.href}>{row.run.text}</a> : <span class="xa-removed">{m.activity.runRemoved}</span>}</td>
    <td>
      <strong class={`xa-tag xa-tag--${row.outcome.colour}`}>{row.outcome.label}</strong>
      {row.outcome.reason !== null && (
        <>
          {' '}
          <bdi class="xa-prose">{row.outcome.reason}</bdi>
        </>
      )}
    </td>
    <td>{row.job ? <a href={row.job.href}>{row.job.text}</a> : <NotYet text={m.activity.notFromJob} />}</td>
  </tr>
);

const Pagination: FC<{ view: ActivityView }> = ({ view: { pagination: p, messages: m } }) => (
  <nav class="xa-pagination" aria-label={m.pagination}>
    {p.firstHref !== null && (
      <a class="xa-icon-link" href={p.firstHref}>
        <FirstIcon />
        <span class="xa-visually-hidden">{m.firstPage}</span>
      </a>
    )}
    {p.previousHref !== null && (
      <a class="xa-icon-link" href={p.previousHref} rel="prev">
        <PreviousIcon />
        <span class="xa-visually-hidden">{m.previousPage}</span>
      </a>
    )}
    <span class="xa-pagination__current">
      <span aria-hidden="true">{p.page}</span>
      <span class="xa-visually-hidden">{m.pageOf(p.page, null)}</span>
    </span>
    {p.nextHref !== null && (
      <a class="xa-icon-link" href={p.nextHref} rel="next">
        <NextIcon />
        <span class="xa-visually-hidden">{m.nextPage}</span>
      </a>
    )}
  </nav>
);

export const ActivityPage: FC<{ view: ActivityView }> = ({ view, view: { messages: m } }) => (
  <div class="xa">
    <a class="xa-back-link" href={view.backHref}>
      {m.backToExecutions}
    </a>
    <div class="xa-header">
      <h1 class="xa-heading">{m.activity.title}</h1>
      <p class="xa-times-in">{latin1Text(view.timesIn)}</p>
    </div>
    <form class="xa-filters" method="get" action={view.filters.action} role="search" aria-label={m.filtersLabel}>
      {view.filters.fields.map((field) => (
        <Field field={field} messages={m} />
      ))}
      <div class="xa-filters__actions">
        <button type="submit" class="xa-button">
          {m.apply}
        </button>
        <a class="xa-link" href={view.filters.clearHref}>
          {m.clearFilters}
        </a>
      </div>
    </form>
    <p>{view.scope}</p>
    {view.rows.length === 0 ? (
      <div class="xa-empty">
        {view.clearHref === null ? (
          <p class="xa-empty__title">{m.activity.none}</p>
        ) : (
          <>
            <p class="xa-empty__title">{m.activity.noMatches}</p>
            <p>
              <a href={view.clearHref}>{m.clearFilters}</a> {m.activity.clearToSeeAll}
            </p>
          </>
        )}
      </div>
    ) : (
      <div class="xa-table-scroll" role="region" aria-labelledby={CAPTION_ID} tabindex={0}>
        <table class="xa-table">
          <caption id={CAPTION_ID} class="xa-table__caption">
            {view.caption}
          </caption>
          <thead>
            <tr>
              <th scope="col">{m.activity.when}</th>
              <th scope="col">{m.activity.who}</th>
              <th scope="col">{m.activity.action}</th>
              <th scope="col">{m.activity.run}</th>
              <th scope="col">{m.activity.outcome}</th>
              <th scope="col">{m.activity.job}</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <Row row={row} messages={m} />
            ))}
          </tbody>
        </table>
      </div>
    )}
    <div class="xa-footer">
      <Pagination view={view} />
    </div>
  </div>
);

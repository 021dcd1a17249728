/** The failure digest: failed runs grouped by first failed tool and error, each linking to its runs. */
import type { FC } from 'hono/jsx';
import type { DigestView } from '../../src/digest/view-model.js';
import { h, latin1Text } from '../../src/lib/jsx.js';

export const DigestPage: FC<{ view: DigestView }> = ({ view, view: { messages: m } }) => (
  <div class="xa">
    <a class="xa-back-link" href={view.backHref}>
      {m.backToExecutions}
    </a>
    <h1 class="xa-heading">{m.failureDigest}</h1>
    {view.errors.map((message) => (
      <p class="xa-error-message">
        <span class="xa-visually-hidden">{m.errorPrefix}</span>
        {message}
      </p>
    ))}
    <p>{latin1Text(view.filterText)}</p>
    {view.behind !== null && <p class="xa-behind">{latin1Text(view.behind)}</p>}
    {view.groups.length === 0 ? (
      <div class="xa-empty">
        <p class="xa-empty__title">{m.noFailedRuns}</p>
      </div>
    ) : (
      <div class="xa-table-scroll" role="region" aria-labelledby="xa-digest-caption" tabindex={0}>
        <table class="xa-table">
          <caption id="xa-digest-caption" class="xa-table__caption">
            {m.digestCaption}
          </caption>
          <thead>
            <tr>
              <th scope="col">{m.firstFailedTool}</th>
              <th scope="col">{m.error}</th>
              <th scope="col" class="xa-numeric">
                {m.runsColumn}
              </th>
              <th scope="col" class="xa-numeric">
                {m.agentsColumn}
              </th>
            </tr>
          </thead>
          <tbody>
            {view.groups.map((group) => (
              <tr>
                <td>{group.tool}</td>
                <td class="xa-prose">{group.error}</td>
                <td class="xa-numeric xa-nowrap">
                  <a href={group.href}>
                    {group.runs}
                    <span class="xa-visually-hidden">{latin1Text(group.linkContext)}</span>
                  </a>
                </td>
                <td class="xa-numeric xa-nowrap">{group.agents}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {view.truncatedNote !== null && <p>{view.truncatedNote}</p>}
  </div>
);

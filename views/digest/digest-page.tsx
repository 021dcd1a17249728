/** The failure digest: failed runs grouped by first failed tool and error, each linking to its runs. */
import type { FC } from 'hono/jsx';
import type { DigestView } from '../../src/digest/view-model.js';
import { h } from '../../src/lib/jsx.js';

export const DigestPage: FC<{ view: DigestView }> = ({ view }) => (
  <div class="xa">
    <a class="xa-back-link" href={view.backHref}>
      Back to executions
    </a>
    <h1 class="xa-heading">Failures by tool and error</h1>
    {view.errors.map((message) => (
      <p class="xa-error-message">
        <span class="xa-visually-hidden">Error: </span>
        {message}
      </p>
    ))}
    <p>{view.filterText}</p>
    {view.groups.length === 0 ? (
      <div class="xa-empty">
        <p class="xa-empty__title">No failed runs match these filters.</p>
      </div>
    ) : (
      <div class="xa-table-scroll" role="region" aria-labelledby="xa-digest-caption" tabindex={0}>
        <table class="xa-table">
          <caption id="xa-digest-caption" class="xa-table__caption">
            Failures, most runs first
          </caption>
          <thead>
            <tr>
              <th scope="col">First failed tool</th>
              <th scope="col">Error</th>
              <th scope="col" class="xa-numeric">
                Runs
              </th>
              <th scope="col" class="xa-numeric">
                Agents
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
                    <span class="xa-visually-hidden">{group.linkContext}</span>
                  </a>
                </td>
                <td class="xa-numeric xa-nowrap">{group.agents}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {view.truncated && <p>Only the 50 failures with the most runs are shown. Narrow the filters to see others.</p>}
  </div>
);

import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';

import { Card } from '@/components/ui/Card';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { formatDateTime } from '@/lib/format';

import { useHealthz, type Liveness } from '../api/get-healthz';
import { useReadyz, type Readiness } from '../api/get-readyz';
import { healthKeys } from '../api/health-keys';

import { componentLabel } from './component-label';
import './health-panel.css';

function errorText(error: Error): string {
  return error instanceof TypeError ? 'network error: backend not reachable' : error.message;
}

function LivenessStatus({ query }: { query: UseQueryResult<Liveness> }) {
  switch (query.status) {
    case 'pending':
      return <StatusBadge tone="pending" label="checking" />;
    case 'error':
      return (
        <>
          <StatusBadge tone="failing" label="unreachable" />
          <span className="health-summary__detail">{errorText(query.error)}</span>
        </>
      );
    case 'success':
      return (
        <StatusBadge
          tone={query.data.status === 'ok' ? 'ok' : 'failing'}
          label={query.data.status}
        />
      );
  }
}

function ReadinessStatus({ query }: { query: UseQueryResult<Readiness> }) {
  switch (query.status) {
    case 'pending':
      return <StatusBadge tone="pending" label="checking" />;
    case 'error':
      return (
        <>
          <StatusBadge tone="failing" label="unreachable" />
          <span className="health-summary__detail">{errorText(query.error)}</span>
        </>
      );
    case 'success':
      return <StatusBadge tone={query.data.ready ? 'ok' : 'failing'} label={query.data.status} />;
  }
}

function ComponentTable({ components }: { components: Record<string, string> }) {
  const entries = Object.entries(components);
  if (entries.length === 0) {
    return <p className="health-note">The backend reported no components.</p>;
  }
  return (
    <table className="health-components">
      <caption>Components checked by /readyz</caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Status</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, value]) => {
          const ok = value === 'ok';
          return (
            <tr key={name}>
              <th scope="row">{componentLabel(name)}</th>
              <td>
                <StatusBadge tone={ok ? 'ok' : 'failing'} label={ok ? 'ok' : 'failing'} />
              </td>
              <td className="health-components__detail">{ok ? '' : value}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function lastChecked(...queries: UseQueryResult[]): number {
  return Math.max(...queries.map((query) => Math.max(query.dataUpdatedAt, query.errorUpdatedAt)));
}

export function HealthPanel() {
  const queryClient = useQueryClient();
  const healthz = useHealthz();
  const readyz = useReadyz();
  const checkedAt = lastChecked(healthz, readyz);

  const checkAgain = () => {
    void queryClient.invalidateQueries({ queryKey: healthKeys.all });
  };

  return (
    <Card
      title="System status"
      titleId="system-status-title"
      actions={
        <button type="button" className="button" onClick={checkAgain}>
          Check again
        </button>
      }
    >
      <div aria-live="polite">
        <dl className="health-summary">
          <div className="health-summary__row">
            <dt>
              Application process <code>/healthz</code>
            </dt>
            <dd>
              <LivenessStatus query={healthz} />
            </dd>
          </div>
          <div className="health-summary__row">
            <dt>
              Readiness <code>/readyz</code>
            </dt>
            <dd>
              <ReadinessStatus query={readyz} />
            </dd>
          </div>
        </dl>
      </div>

      {readyz.isSuccess ? (
        <ComponentTable components={readyz.data.components} />
      ) : readyz.isError ? (
        <p className="health-note">Component status is unavailable until /readyz answers.</p>
      ) : null}

      {checkedAt > 0 ? (
        <p className="health-note">
          Last checked{' '}
          <time dateTime={new Date(checkedAt).toISOString()}>
            {formatDateTime(new Date(checkedAt).toISOString(), { seconds: true })}
          </time>
          ; refreshed automatically.
        </p>
      ) : null}
    </Card>
  );
}

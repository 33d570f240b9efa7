import './status-badge.css';

export type StatusTone = 'ok' | 'failing' | 'pending';

const ICONS: Record<StatusTone, string> = {
  ok: '✓',
  failing: '✕',
  pending: '…',
};

interface StatusBadgeProps {
  tone: StatusTone;
  /** The visible word; the tone is never conveyed by colour alone. */
  label: string;
}

export function StatusBadge({ tone, label }: StatusBadgeProps) {
  return (
    <span className={`status-badge status-badge--${tone}`} data-tone={tone}>
      <span className="status-badge__icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      {label}
    </span>
  );
}

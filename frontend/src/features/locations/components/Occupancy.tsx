import { Link } from 'react-router';

import {
  LEVEL_COLORS,
  LEVEL_LABELS,
  occupancyLevel,
  occupancyPercent,
  occupancyText,
  type Occupancy,
  type OccupancyLevel,
} from './occupancy';
import {
  BAND_COLORS,
  BAND_LABELS,
  BANDS,
  verificationBand,
  verificationShort,
  verificationText,
  type HeatMapMode,
  type Verification,
} from './verification';

import './locations.css';

/** A bar with the count beside it; a meter to assistive technology, with the words. */
export function OccupancyMeter({ value, label }: { value: Occupancy; label: string }) {
  const level = occupancyLevel(value);
  const percent = Math.min(occupancyPercent(value) ?? 0, 100);
  const text = occupancyText(value);
  return (
    <span className="occupancy-meter" data-level={level}>
      <span
        className="occupancy-meter__track"
        role="meter"
        aria-label={`${label} occupancy`}
        aria-valuemin={0}
        aria-valuemax={Math.max(value.total_capacity, 0)}
        aria-valuenow={value.occupancy}
        aria-valuetext={text}
      >
        <span
          className="occupancy-meter__fill"
          style={{ width: `${String(percent)}%`, background: LEVEL_COLORS[level] }}
        />
      </span>
      <span className="occupancy-meter__text" aria-hidden="true">
        {value.total_capacity > 0
          ? `${String(value.occupancy)}/${String(value.total_capacity)} (${String(occupancyPercent(value) ?? 0)} %)`
          : 'no shelves'}
      </span>
    </span>
  );
}

/** A rack's, room's or unit's days since verification: a swatch of its band and the words. */
export function VerificationSummary({ value, label }: { value: Verification; label: string }) {
  const now = new Date();
  const band = verificationBand(value, now);
  const text = verificationText(value, now);
  return (
    <span className="verification-summary" data-band={band}>
      <span
        className="occupancy-legend__swatch"
        style={{ background: BAND_COLORS[band] }}
        aria-hidden="true"
      />
      <span className="occupancy-meter__text">
        <span className="visually-hidden">{label}: </span>
        {text}
      </span>
    </span>
  );
}

interface ShelfCellProps {
  id: number;
  code: string;
  fullCode: string;
  value: Occupancy;
  active: boolean;
  /** What the colour shows; with ``verification``, days since the shelf was verified. */
  mode?: HeatMapMode;
  verification?: Verification;
}

/** One shelf of the heat map: its code and count (or days since verified) in the cell, the full
 *  sentence as its name. */
export function ShelfCell({
  id,
  code,
  fullCode,
  value,
  active,
  mode = 'occupancy',
  verification,
}: ShelfCellProps) {
  const now = new Date();
  const byVerification = mode === 'verified' && verification !== undefined;
  const band = byVerification ? verificationBand(verification, now) : null;
  const level = band ?? occupancyLevel(value);
  const background = band === null ? LEVEL_COLORS[occupancyLevel(value)] : BAND_COLORS[band];
  const words = byVerification ? verificationText(verification, now) : occupancyText(value);
  const name = `Shelf ${fullCode}: ${words}${active ? '' : ', deactivated'}`;
  return (
    <Link
      to={`/locations/${String(id)}`}
      className="shelf-cell"
      style={{ background }}
      title={name}
      data-level={level}
      data-inactive={active ? 'false' : 'true'}
      data-testid={`shelf-${fullCode}`}
    >
      {/* Named by the sentence (not an aria-label, which would hide the visible text). */}
      <span className="visually-hidden">{name}</span>
      <span className="shelf-cell__code" aria-hidden="true">
        {code}
      </span>
      <span aria-hidden="true">
        {byVerification
          ? verificationShort(verification, now)
          : `${String(value.occupancy)}/${String(value.total_capacity)}`}
      </span>
    </Link>
  );
}

const LEVELS: OccupancyLevel[] = ['empty', 'low', 'medium', 'high', 'full', 'none'];

export function OccupancyLegend() {
  return (
    <ul className="occupancy-legend" aria-label="Occupancy colours">
      {LEVELS.map((level) => (
        <li key={level}>
          <span
            className="occupancy-legend__swatch"
            style={{ background: LEVEL_COLORS[level] }}
            aria-hidden="true"
          />
          {LEVEL_LABELS[level]}
        </li>
      ))}
    </ul>
  );
}

/** The bands of days since verification; "never" is hatched and written in every cell. */
export function VerificationLegend() {
  return (
    <ul className="occupancy-legend" aria-label="Days since verified: colours">
      {BANDS.map((band) => (
        <li key={band}>
          <span
            className="occupancy-legend__swatch"
            style={{ background: BAND_COLORS[band] }}
            aria-hidden="true"
          />
          {BAND_LABELS[band]}
        </li>
      ))}
    </ul>
  );
}

/** The legend of the map shown. */
export function HeatMapLegend({ mode }: { mode: HeatMapMode }) {
  return mode === 'verified' ? <VerificationLegend /> : <OccupancyLegend />;
}

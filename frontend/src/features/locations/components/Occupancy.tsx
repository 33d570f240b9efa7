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

interface ShelfCellProps {
  id: number;
  code: string;
  fullCode: string;
  value: Occupancy;
  active: boolean;
}

/** One shelf of the heat map: its code and count in the cell, the full sentence as its name. */
export function ShelfCell({ id, code, fullCode, value, active }: ShelfCellProps) {
  const level = occupancyLevel(value);
  const name = `Shelf ${fullCode}: ${occupancyText(value)}${active ? '' : ', deactivated'}`;
  return (
    <Link
      to={`/locations/${String(id)}`}
      className="shelf-cell"
      style={{ background: LEVEL_COLORS[level] }}
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
        {String(value.occupancy)}/{String(value.total_capacity)}
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

import { Select, type SelectProps } from '@mantine/core';
import { DateInput } from '@mantine/dates';

/**
 * A clearable day filter (YYYY-MM-DD) bound to one URL filter: no day is `undefined`. Its clear
 * button is named after the label ("Clear retention ends from" for "Retention ends from").
 */
export function DateFilterInput({
  label,
  value,
  onChange,
  w,
  placeholder = 'YYYY-MM-DD',
  description,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  w: number;
  placeholder?: string;
  description?: string;
}) {
  return (
    <DateInput
      label={label}
      description={description}
      clearButtonProps={{ 'aria-label': `Clear ${label.charAt(0).toLowerCase()}${label.slice(1)}` }}
      placeholder={placeholder}
      valueFormat="YYYY-MM-DD"
      clearable
      value={value ?? null}
      onChange={(day) => {
        onChange(day ?? undefined);
      }}
      w={w}
    />
  );
}

/** A Select of ids (units, departments) bound to one URL filter: no choice is `undefined`. */
export function IdFilterSelect({
  value,
  onChange,
  ...props
}: Omit<SelectProps, 'value' | 'onChange'> & {
  value: number | undefined;
  onChange: (value: number | undefined) => void;
}) {
  return (
    <Select
      {...props}
      value={value === undefined ? null : String(value)}
      onChange={(choice) => {
        onChange(choice === null ? undefined : Number(choice));
      }}
    />
  );
}

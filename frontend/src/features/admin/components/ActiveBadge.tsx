import { Badge } from '@mantine/core';

/** Whether a unit or department is in use (a missing flag counts as active). */
export function ActiveBadge({ active }: { active: boolean | undefined }) {
  return active === false ? (
    <Badge color="gray">Inactive</Badge>
  ) : (
    <Badge color="green" variant="light">
      Active
    </Badge>
  );
}

import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Location } from '@/lib/api/types';

import { useSetLocationActive } from '../api/set-location-active';

/** Deactivates (never deletes) a location and everything beneath it, or activates it again. */
export function LocationActiveButton({ location }: { location: Location }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const change = useSetLocationActive(location.id);
  const activate = !location.is_active;
  const verb = activate ? 'Activate' : 'Deactivate';
  return (
    <>
      <Button
        variant={activate ? 'filled' : 'default'}
        color={activate ? 'green' : 'red'}
        onClick={() => {
          change.reset();
          setOpen(true);
        }}
      >
        {verb}
      </Button>
      {open && (
        <Modal
          opened
          onClose={() => {
            setOpen(false);
          }}
          title={`${verb} ${location.full_code}`}
          centered
        >
          <form
            onSubmit={(event) => {
              event.preventDefault();
              change.mutate(
                { active: activate, version: location.version, reason: reason.trim() },
                {
                  onSuccess: (saved) => {
                    setOpen(false);
                    notifications.show({
                      color: 'green',
                      title: activate ? 'Activated' : 'Deactivated',
                      message: `${saved.full_code} and everything beneath it.`,
                    });
                  },
                },
              );
            }}
          >
            <Stack>
              <Text size="sm">
                {activate
                  ? 'The location and everything beneath it can hold crates again (its parent must be active).'
                  : 'The location and everything beneath it stop taking crates. A location that holds crates cannot be deactivated.'}
              </Text>
              {change.isError && (
                <Alert color="red" role="alert" title="Nothing was changed">
                  {formErrorOf(change.error, ['reason'])}
                </Alert>
              )}
              <Textarea
                label="Reason (optional)"
                autosize
                minRows={2}
                value={reason}
                onChange={(event) => {
                  setReason(event.currentTarget.value);
                }}
                error={fieldErrors(change.error).reason}
              />
              <Group justify="flex-end">
                <Button
                  variant="default"
                  onClick={() => {
                    setOpen(false);
                  }}
                >
                  Close
                </Button>
                <Button type="submit" color={activate ? 'green' : 'red'} loading={change.isPending}>
                  {verb}
                </Button>
              </Group>
            </Stack>
          </form>
        </Modal>
      )}
    </>
  );
}

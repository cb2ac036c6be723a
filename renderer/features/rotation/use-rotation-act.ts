import { useQueryClient } from '@tanstack/react-query';
import type { RotationAction } from '../../../shared/rotation.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { rotationActKey } from './words.js';
import { callKey } from '../../lib/calls.js';

/**
 * One action on a rotation, from the wizard or the unfinished-rotations banner alike: keyed per
 * rotation (so each waits for the other), and afterwards everything a rotation step can change is
 * fetched again: the rotation, the list of rotations, the organization's key lists (a cancel revokes
 * the new key; a finish makes it current) and the organizations.
 */
export function useRotationAct(rotationId: string) {
  const queryClient = useQueryClient();
  return useAction({
    mutationKey: rotationActKey(rotationId),
    mutationFn: (action: RotationAction) => unwrap(api.rotation.act({ rotationId, action })),
    changes: 'rotation.act',
    onSuccess: (value) => queryClient.setQueryData(callKey('rotation.get', { rotationId }), value),
  });
}

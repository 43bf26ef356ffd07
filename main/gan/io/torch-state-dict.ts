// Finding the state_dict in what torch.load returns (the object itself, or a dict wrapping it under
// a usual key) and normalising its keys, once the checkpoint has been read (torch-checkpoint.ts).
import { PyDict, PyTuple, type PyValue } from './pickle.js';
import { LoadedTensor, TorchCheckpointError } from './torch-checkpoint.js';

export interface ExtractedStateDict {
  stateDict: Map<string, LoadedTensor>;
  /** Where it was found, e.g. "state_dict" or "" for the top level. */
  foundAt: string;
  /** The prefix removed from every key (DataParallel's "module."), or "". */
  strippedPrefix: string;
}

const WRAPPER_KEYS = ['state_dict', 'model_state_dict', 'model', 'netG', 'net_G', 'G', 'generator', 'params', 'params_ema'];

function isTensorDict(v: PyValue): v is PyDict {
  if (!(v instanceof PyDict) || v.map.size === 0) return false;
  for (const [k, x] of v.map) if (typeof k !== 'string' || !(x instanceof LoadedTensor)) return false;
  return true;
}

/**
 * Finds the state_dict in what torch.load would return: the object itself, or a dict wrapping it
 * under a usual key ('state_dict', 'model', …); strips a prefix every key shares ('module.' from
 * nn.DataParallel, also 'netG.module.' style).
 */
export function extractStateDict(object: PyValue, label = 'checkpoint'): ExtractedStateDict {
  let found: PyDict | null = null;
  let foundAt = '';
  if (isTensorDict(object)) {
    found = object;
  } else if (object instanceof PyDict) {
    for (const k of WRAPPER_KEYS) {
      const v = object.map.get(k);
      if (isTensorDict(v ?? null)) {
        found = v as PyDict;
        foundAt = k;
        break;
      }
    }
    if (!found) {
      const candidates = [...object.map].filter(([, v]) => isTensorDict(v)).map(([k]) => String(k));
      if (candidates.length === 1) {
        found = object.map.get(candidates[0]!) as PyDict;
        foundAt = candidates[0]!;
      } else {
        const keys = [...object.map.keys()].slice(0, 12).map(String).join(', ');
        throw new TorchCheckpointError(
          candidates.length > 1
            ? `${label} holds several networks (${candidates.join(', ')}); save one generator's state_dict per file`
            : `${label} holds no state_dict of tensors (top-level keys: ${keys || 'none'})`,
        );
      }
    }
  } else {
    throw new TorchCheckpointError(`${label} holds no state_dict (it unpickles to ${describe(object)}, not a dict of tensors)`);
  }
  const entries = [...found.map] as Array<[string, LoadedTensor]>;
  let strippedPrefix = '';
  for (const prefix of ['module.']) {
    if (entries.every(([k]) => k.startsWith(prefix))) strippedPrefix = prefix;
  }
  const stateDict = new Map<string, LoadedTensor>();
  for (const [k, t] of entries) stateDict.set(k.slice(strippedPrefix.length), t);
  return { stateDict, foundAt, strippedPrefix };
}

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyTuple) return 'a tuple';
  if (v instanceof LoadedTensor) return 'a single tensor';
  return typeof v;
}

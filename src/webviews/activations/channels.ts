// Channel ordering and paging for the activations panel (pure: unit-tested without a browser).
import type { ChannelActivation } from '../../shared/engineProtocol';
import type { ChannelOrder } from '../../shared/webviewProtocol';

/** Tiles drawn before a "show all" button (late layers have a thousand channels and more). */
export const tilePageSize = 256;

/**
 * The channels in display order: by mean activation, highest first (ties by channel number), or in
 * channel order. Returns a new array; the input is not touched.
 */
export function orderChannels(channels: readonly ChannelActivation[], order: ChannelOrder): ChannelActivation[] {
  const copy = [...channels];
  if (order === 'mean') copy.sort((a, b) => b.mean - a.mean || a.channel - b.channel);
  else copy.sort((a, b) => a.channel - b.channel);
  return copy;
}

/** The channels to draw as tiles: the first page, or all, always including the selected one. */
export function visibleChannels(ordered: readonly ChannelActivation[], showAll: boolean, selected?: number, pageSize = tilePageSize): ChannelActivation[] {
  if (showAll || ordered.length <= pageSize) return [...ordered];
  const page = ordered.slice(0, pageSize);
  if (selected !== undefined && !page.some((c) => c.channel === selected)) {
    const extra = ordered.find((c) => c.channel === selected);
    if (extra) page.push(extra);
  }
  return page;
}

/** Where the selected channel stands by mean: "3rd of 64". */
export function rankOf(channels: readonly ChannelActivation[], channel: number): number | undefined {
  const i = orderChannels(channels, 'mean').findIndex((c) => c.channel === channel);
  return i < 0 ? undefined : i + 1;
}

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}

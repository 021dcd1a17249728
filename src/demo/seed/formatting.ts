/** Text and number helpers for the demo's tool payloads and messages. */

export function groupThousands(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function money(amount: number): string {
  const [whole = '0', cents = '00'] = amount.toFixed(2).split('.');
  return `R$ ${groupThousands(Number(whole))}.${cents}`;
}

export function roundCredits(value: number): number {
  return Math.max(0.05, Math.round(value * 100) / 100);
}

export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function hashCode(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The last `count` calendar months that have ended before `today`, newest first (YYYY-MM). */
export function endedMonths(today: Date, count: number): string[] {
  const months: string[] = [];
  let year = today.getFullYear();
  let month = today.getMonth(); // 0-based: the current month's index is the previous month's number
  for (let i = 0; i < count; i += 1) {
    if (month === 0) {
      year -= 1;
      month = 12;
    }
    months.push(`${String(year)}-${String(month).padStart(2, '0')}`);
    month -= 1;
  }
  return months;
}

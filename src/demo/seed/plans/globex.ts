/** What Globex's schedules do. */
import type { PlanFn } from '../model.js';
import { call, gmailSend, httpCall, slackPost } from '../tool-calls.js';

export const globexSupplierScorecard: PlanFn = (c) => {
  const suppliers = c.r.int(12, 30);
  const late = c.r.int(0, 5);
  return {
    calls: [
      httpCall(c, 'GET', 'https://erp.globex.example/api/suppliers/scorecard?period=last_week', null, {
        suppliers,
        on_time_rate: Number(c.r.float(0.82, 0.98).toFixed(3)),
        late_deliveries: late,
      }),
      gmailSend(
        c,
        ['procurement@globex.example'],
        'Weekly supplier scorecard',
        `${suppliers} suppliers reviewed, ${late} late deliveries.`,
      ),
    ],
    answer: `Scorecard sent: ${suppliers} suppliers, ${late} late deliveries last week.`,
  };
};

export const globexShiftHandover: PlanFn = (c) => {
  const units = c.r.int(1800, 4200);
  const downtime = c.r.int(0, 95);
  return {
    calls: [
      httpCall(c, 'GET', 'https://mes.globex.example/api/shifts/current/summary', null, {
        units_produced: units,
        downtime_minutes: downtime,
        scrap_rate: Number(c.r.float(0.004, 0.03).toFixed(4)),
      }),
      slackPost(c, '#plant-ops', `Shift handover: ${units} units, ${downtime} min downtime.`),
    ],
    answer: `Posted the shift handover: ${units} units produced, ${downtime} minutes of downtime.`,
  };
};

export const globexSafetyIntake: PlanFn = (c) => {
  const incident = `INC${c.r.digits(7)}`;
  const severity = c.r.weighted([
    ['low', 5],
    ['medium', 3],
    ['high', 1],
  ] as const);
  return {
    event: `incident ${incident} (${severity})`,
    calls: [
      httpCall(c, 'GET', `https://globex.service-now.example/api/now/table/incident/${incident}`, null, {
        result: {
          number: incident,
          severity,
          short_description: c.r.pick(['Forklift near-miss in aisle 4', 'Spill at packaging line', 'Missing guard on press 7']),
        },
      }),
      slackPost(c, '#safety', `New ${severity} safety incident ${incident} logged.`),
    ],
    answer: `Logged ${incident} (${severity}) and notified #safety.`,
  };
};

export const globexLeaveRequests: PlanFn = (c) => {
  const requests = c.r.int(0, 6);
  return {
    calls: [
      call(
        c,
        'gmail.search',
        { q: 'label:leave-requests is:unread', maxResults: 20 },
        {
          messages: Array.from({ length: requests }, () => ({ id: c.r.hex(16), threadId: c.r.hex(16) })),
          resultSizeEstimate: requests,
        },
      ),
    ],
    answer:
      requests === 0
        ? 'No pending leave requests.'
        : `${requests} leave request${requests === 1 ? '' : 's'} waiting; summarised them for HR.`,
  };
};

/** The connected tools the demo agents call: their services, endpoints, auth and latency. */

type Auth = 'oauth' | 'api_key' | 'none';

export interface ToolDef {
  service: string;
  host: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  auth: Auth;
  latency: readonly [number, number];
}

export const TOOLS = {
  'google_calendar.list_events': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'GET',
    path: '/calendar/v3/calendars/primary/events',
    auth: 'oauth',
    latency: [180, 900],
  },
  'google_calendar.get_event': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'GET',
    path: '/calendar/v3/calendars/primary/events/{eventId}',
    auth: 'oauth',
    latency: [120, 600],
  },
  'google_calendar.create_event': {
    service: 'google_calendar',
    host: 'www.googleapis.com',
    method: 'POST',
    path: '/calendar/v3/calendars/primary/events',
    auth: 'oauth',
    latency: [250, 1100],
  },
  'gmail.search': {
    service: 'gmail',
    host: 'gmail.googleapis.com',
    method: 'GET',
    path: '/gmail/v1/users/me/messages',
    auth: 'oauth',
    latency: [200, 1200],
  },
  'gmail.send': {
    service: 'gmail',
    host: 'gmail.googleapis.com',
    method: 'POST',
    path: '/gmail/v1/users/me/messages/send',
    auth: 'oauth',
    latency: [300, 1400],
  },
  'hubspot.search_deals': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/deals/search',
    auth: 'oauth',
    latency: [250, 2200],
  },
  'hubspot.search_contacts': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/contacts/search',
    auth: 'oauth',
    latency: [250, 2000],
  },
  'hubspot.get_contact': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'GET',
    path: '/crm/v3/objects/contacts/{contactId}',
    auth: 'oauth',
    latency: [150, 800],
  },
  'hubspot.update_contact': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'PATCH',
    path: '/crm/v3/objects/contacts/{contactId}',
    auth: 'oauth',
    latency: [200, 900],
  },
  'hubspot.create_task': {
    service: 'hubspot',
    host: 'api.hubapi.com',
    method: 'POST',
    path: '/crm/v3/objects/tasks',
    auth: 'oauth',
    latency: [200, 900],
  },
  'slack.post_message': {
    service: 'slack',
    host: 'slack.com',
    method: 'POST',
    path: '/api/chat.postMessage',
    auth: 'oauth',
    latency: [120, 700],
  },
  'notion.create_page': {
    service: 'notion',
    host: 'api.notion.com',
    method: 'POST',
    path: '/v1/pages',
    auth: 'oauth',
    latency: [400, 1800],
  },
  'notion.query_database': {
    service: 'notion',
    host: 'api.notion.com',
    method: 'POST',
    path: '/v1/databases/{databaseId}/query',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'stripe.list_invoices': {
    service: 'stripe',
    host: 'api.stripe.com',
    method: 'GET',
    path: '/v1/invoices',
    auth: 'api_key',
    latency: [250, 1600],
  },
  'stripe.get_invoice': {
    service: 'stripe',
    host: 'api.stripe.com',
    method: 'GET',
    path: '/v1/invoices/{invoiceId}',
    auth: 'api_key',
    latency: [150, 700],
  },
  'zendesk.search_tickets': {
    service: 'zendesk',
    host: 'acme-robotics.zendesk.com',
    method: 'GET',
    path: '/api/v2/search.json',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'zendesk.update_ticket': {
    service: 'zendesk',
    host: 'acme-robotics.zendesk.com',
    method: 'PUT',
    path: '/api/v2/tickets/{ticketId}.json',
    auth: 'oauth',
    latency: [250, 1100],
  },
  'shopify.get_inventory_levels': {
    service: 'shopify',
    host: 'acme-robotics.myshopify.com',
    method: 'GET',
    path: '/admin/api/2024-10/inventory_levels.json',
    auth: 'api_key',
    latency: [200, 1300],
  },
  'google_sheets.append_rows': {
    service: 'google_sheets',
    host: 'sheets.googleapis.com',
    method: 'POST',
    path: '/v4/spreadsheets/{spreadsheetId}/values/{range}:append',
    auth: 'oauth',
    latency: [300, 1500],
  },
  'x.search_posts': {
    service: 'x',
    host: 'api.x.com',
    method: 'GET',
    path: '/2/tweets/search/recent',
    auth: 'oauth',
    latency: [400, 2500],
  },
  'http.request': { service: 'http', host: '', method: 'GET', path: '', auth: 'none', latency: [150, 3000] },
} as const satisfies Record<string, ToolDef>;

export type ToolName = keyof typeof TOOLS;

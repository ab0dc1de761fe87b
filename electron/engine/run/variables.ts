import os from 'node:os';
import { LOCAL_TEST_VALUES, testCard } from '../../../shared/aps/test-cards';
import type { Scenario } from '../../../shared/aps/scenarios';
import { isLoopbackHost } from '../../../shared/loopback';
import type { Customer, Workspace } from '../../../shared/schema/workspace';
import type { FlowVariables } from '../capture/flow-file';

/**
 * Customers rotate over the scenarios on purpose: APS's reviewers check that the email (and phone) sent is
 * the customer's own and changes between orders, not one address hard-coded for every payment.
 */
export function customerFor(workspace: Workspace, scenarioIndex: number): Customer {
  return workspace.customers[scenarioIndex % workspace.customers.length];
}

/** The customer's full name; a customer without one gets a name made from their email, never another customer's. */
export function customerName(customer: Customer): string {
  if (customer.name) return customer.name;
  const local = customer.email
    .split('@')[0]
    .replace(/[^A-Za-z]+/g, ' ')
    .trim();
  const name = local
    .split(' ')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join(' ');
  return name.includes(' ') ? name : `${name || 'Test'} Customer`;
}

export function flowVariables(
  scenario: Scenario,
  workspace: Workspace,
  customer: Customer,
  overrides: FlowVariables = {},
): FlowVariables {
  const vars: FlowVariables = {
    baseUrl: (workspace.store.baseUrl ?? '').replace(/\/+$/, ''),
    'customer.email': customer.email,
    'customer.phone': customer.phone ?? '',
    'customer.name': customerName(customer),
    lang: scenario.language,
    // Demo-store fault switches ride on the first URL as "&fault=a,b"; empty for a clean run.
    faultParam: '',
    otp: '1234',
    pin: '1234',
  };
  if (scenario.card) {
    const card = testCard(scenario.card);
    const [mm, yy] = card.expiry.split('/');
    Object.assign(vars, {
      'card.number': card.number,
      'card.expiry': card.expiry,
      'card.expiryMonth': mm,
      'card.expiryYear': yy,
      'card.cvv': card.cvv,
      'card.holder': customerName(customer),
    });
  }
  const local = (LOCAL_TEST_VALUES as Record<string, (typeof LOCAL_TEST_VALUES)['KNET'] | undefined>)[scenario.method];
  if (local) {
    const values = scenario.outcome === 'success' ? local.success : local.declined;
    for (const [k, v] of Object.entries(values)) {
      // The method's own names ({{knet.pin}}), and the older shared ones ({{pin}}, {{local.card}}) flows still use.
      vars[`${scenario.method.toLowerCase()}.${k}`] = v;
      if (k === 'otp' || k === 'pin') vars[k] = v;
      else vars[`local.${k}`] = v;
    }
  }
  return { ...vars, ...overrides };
}

/** The address the browser's requests come from, as the merchant should see it in customer_ip. */
export function browserClientAddress(baseUrl: string | undefined): string | undefined {
  try {
    if (isLoopbackHost(new URL(baseUrl ?? '').hostname)) return '127.0.0.1';
  } catch (err) {
    // No base URL, or not an absolute one: the browser's address is then the machine's own, found below.
    if (!(err instanceof TypeError)) throw err;
  }
  for (const list of Object.values(os.networkInterfaces())) {
    for (const net of list ?? []) if (net.family === 'IPv4' && !net.internal) return net.address;
  }
  return undefined;
}

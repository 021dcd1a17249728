/** Fictional people, companies, products and sales reps that the tool payloads mention. */
import { slug } from './formatting.js';
import type { Rng } from './rng.js';

interface Person {
  name: string;
  email: string;
}

export interface Company {
  name: string;
  domain: string;
  city: string;
}

const FIRST_NAMES = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Fernanda',
  'Gabriel',
  'Helena',
  'Igor',
  'Juliana',
  'Lucas',
  'Mariana',
  'Rafael',
  'Sofia',
  'Thiago',
  'Priya',
  'Daniel',
  'Emma',
  'Kenji',
  'Laura',
  'Mateus',
] as const;
const LAST_NAMES = [
  'Silva',
  'Souza',
  'Costa',
  'Oliveira',
  'Pereira',
  'Almeida',
  'Ribeiro',
  'Carvalho',
  'Nakamura',
  'Fischer',
  'Moreira',
  'Rocha',
  'Barbosa',
  'Lima',
  'Teixeira',
  'Mendes',
] as const;
export const COMPANIES: readonly Company[] = [
  { name: 'Initech', domain: 'initech.example', city: 'São Paulo' },
  { name: 'Umbrella Logistics', domain: 'umbrella-logistics.example', city: 'Campinas' },
  { name: 'Stark Components', domain: 'starkcomponents.example', city: 'Curitiba' },
  { name: 'Wayne Freight', domain: 'waynefreight.example', city: 'Santos' },
  { name: 'Hooli', domain: 'hooli.example', city: 'Belo Horizonte' },
  { name: 'Soylent Foods', domain: 'soylentfoods.example', city: 'Porto Alegre' },
  { name: 'Vandelay Industries', domain: 'vandelay.example', city: 'Joinville' },
  { name: 'Massive Dynamic', domain: 'massivedynamic.example', city: 'Recife' },
  { name: 'Tyrell Systems', domain: 'tyrell.example', city: 'Manaus' },
  { name: 'Cyberdyne Parts', domain: 'cyberdyne-parts.example', city: 'São José dos Campos' },
  { name: 'Wonka Supplies', domain: 'wonkasupplies.example', city: 'Florianópolis' },
  { name: 'Pied Piper', domain: 'piedpiper.example', city: 'Rio de Janeiro' },
];
export const PRODUCTS = [
  { sku: 'AR-200', name: 'AR-200 robotic arm', price: 92000 },
  { sku: 'SM-45', name: 'SM-45 servo motor', price: 1850 },
  { sku: 'LX-9', name: 'LX-9 lidar sensor', price: 7400 },
  { sku: 'G3-KIT', name: 'G3 gripper kit', price: 5600 },
  { sku: 'BP-24V', name: 'BP-24V battery pack', price: 2300 },
  { sku: 'CB-7', name: 'CB-7 controller board', price: 3900 },
  { sku: 'AMR-1', name: 'AMR-1 mobile robot', price: 148000 },
  { sku: 'VS-2', name: 'VS-2 vision module', price: 11200 },
] as const;
export const SALES_REPS = ['Marina Costa', 'Rafael Almeida', 'Priya Nair', 'Lucas Ribeiro'] as const;

export function person(r: Rng, domain: string): Person {
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  return { name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}@${domain}` };
}

import type { Child } from 'hono/jsx';
import { Icon, type IconName } from '../web/icons.tsx';

const SECTIONS: { href: string; label: string; icon: IconName }[] = [
  { href: '/admin', label: 'Overview', icon: 'gauge' },
  { href: '/admin/users', label: 'People', icon: 'users' },
  { href: '/admin/reports', label: 'Reports', icon: 'flag' },
  { href: '/admin/invites', label: 'Invites', icon: 'mail-plus' },
  { href: '/admin/settings', label: 'Settings', icon: 'settings' },
  { href: '/admin/audit', label: 'Audit log', icon: 'scroll-text' },
];

/** Every admin page: its heading, the admin's sections (the current one marked), then the page. */
export function AdminFrame({ here, title, children }: { here: string; title: string; children: Child }) {
  return (
    <section class="admin">
      <nav class="admin-nav" aria-label="Admin">
        {SECTIONS.map((s) => (
          <a href={s.href} aria-current={s.href === here ? 'page' : undefined}><Icon name={s.icon} /> {s.label}</a>
        ))}
      </nav>
      <h1>{title}</h1>
      {children}
    </section>
  );
}

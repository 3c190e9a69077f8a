// A user card rendered to HTML by react-dom/server (JSX through deno.json's
// "jsx": "react-jsx", so no `import React` is needed).
import { renderToString } from "react-dom/server";

export type User = { id: number; name: string; email: string; joined: string; tags: string[]; bio: string };

function Tag({ label }: { label: string }) {
  return <li className="tag">{label}</li>;
}

function UserCard({ user }: { user: User }) {
  return (
    <article className="card" data-id={user.id}>
      <header>
        <h2>{user.name}</h2>
        <a href={`mailto:${user.email}`}>{user.email}</a>
      </header>
      <p>{user.bio}</p>
      <ul>{user.tags.map((tag) => <Tag key={tag} label={tag} />)}</ul>
      <footer>member since {user.joined}</footer>
    </article>
  );
}

export function renderUserCard(user: User): string {
  return renderToString(<UserCard user={user} />);
}

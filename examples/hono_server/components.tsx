// The /ssr route's page: a profile card rendered by react-dom/server.
import { renderToString } from "react-dom/server";

export type Profile = { name: string; email: string; bio: string; skills: string[] };

function Card({ profile }: { profile: Profile }) {
  return (
    <html lang="en">
      <head><title>{profile.name}</title></head>
      <body>
        <article className="card">
          <h1>{profile.name}</h1>
          <a href={`mailto:${profile.email}`}>{profile.email}</a>
          <p>{profile.bio}</p>
          <ul>{profile.skills.map((skill) => <li key={skill}>{skill}</li>)}</ul>
        </article>
      </body>
    </html>
  );
}

export function renderProfile(profile: Profile): string {
  return "<!doctype html>" + renderToString(<Card profile={profile} />);
}

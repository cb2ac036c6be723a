/**
 * What a person does in a provider's dashboard: the provider's own steps as an ordered list, and,
 * where Keydeck suggests a name for the key, that name as something to type.
 */
export function DashboardSteps({
  steps,
  providerName,
  name,
}: {
  steps: readonly string[] | undefined;
  providerName: string;
  name?: string;
}) {
  if (!steps || steps.length === 0) return null;
  return (
    <div className="dashboard-steps">
      <p>In the {providerName} dashboard:</p>
      <ol className="steps">
        {steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      {name && (
        <p>
          Name the new key <code>{name}</code>, so you can tell it from the old one there.
        </p>
      )}
    </div>
  );
}

import { expect, it } from 'vitest';
import { checkExecutionProviders } from '../../../core/host/app-info';

it('the machine card gets every installed provider verified or failed by its check, never left unverified', async () => {
  const providers = await checkExecutionProviders();
  expect(providers.find((p) => p.name === 'cpu')).toMatchObject({ status: 'available' });
  const webgpu = providers.find((p) => p.name === 'webgpu');
  expect(webgpu?.status).toMatch(/^(verified|failed)$/);
  if (webgpu?.status === 'failed') expect(webgpu.detail).toMatch(/No supported adapters|killed by|exited with code|did not finish/);
  expect(providers.filter((p) => p.status === 'unverified')).toEqual([]);
});

// Datasets built inside DataLoader worker threads by the vision tests.
import { datasets, transforms as T } from '../../src/vision/index.js';

export function makeImageFolder(root: string): datasets.ImageFolder<unknown> {
  return new datasets.ImageFolder(root, { transform: new T.Compose([new T.Resize([6, 6]), new T.ToTensor()]) });
}

import { FeedScreen } from '../../src/screens/feed';

export default FeedScreen;

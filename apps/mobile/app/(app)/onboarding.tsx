import { OnboardingScreen } from '../../src/screens/onboarding';

export default OnboardingScreen;

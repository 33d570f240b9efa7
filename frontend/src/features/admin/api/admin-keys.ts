export interface UserFilters {
  search?: string | undefined;
  role?: string | undefined;
  active?: boolean | undefined;
  unit?: number | undefined;
}

/**
 * adminKeys.users → lists → list(filters); units; departments; roles; directoryGroups. Administration's own
 * cache: other screens keep theirs (features never share keys).
 */
export const adminKeys = {
  all: ['admin'] as const,
  users: () => [...adminKeys.all, 'users'] as const,
  userLists: () => [...adminKeys.users(), 'list'] as const,
  userList: (filters: UserFilters) => [...adminKeys.userLists(), filters] as const,
  units: () => [...adminKeys.all, 'units'] as const,
  departments: () => [...adminKeys.all, 'departments'] as const,
  departmentList: (unit: number | null) => [...adminKeys.departments(), unit] as const,
  roles: () => [...adminKeys.all, 'roles'] as const,
  directoryGroups: () => [...adminKeys.all, 'directory-groups'] as const,
};
